"""The bank master over the real zengin-code data, and the same search over given records."""

from __future__ import annotations

import pytest

from adapters.banks.zengin_master import ZenginBankMaster, fold
from application.ports.bank_master import Bank, Branch

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def master() -> ZenginBankMaster:
    return ZenginBankMaster()


@pytest.mark.parametrize("query", ["みずほ", "ミズホ", "ﾐｽﾞﾎ", "0001", "０００１", "みずほ銀行",
                                   "mizuho"])
def test_mizuho_is_found_first_by_kana_kanji_or_code(master: ZenginBankMaster,
                                                       query: str) -> None:
    assert master.search_banks(query)[0] == Bank("0001", "みずほ", "ミズホ")


def test_prefix_matches_come_before_matches_inside_a_name(master: ZenginBankMaster) -> None:
    codes = [bank.code for bank in master.search_banks("みずほ")]

    assert codes[:2] == ["0001", "0289"]  # みずほ, みずほ信託; then 埼玉みずほ農協
    assert codes.index("0289") < codes.index("4859")


def test_what_people_type_for_shinkin_and_small_kana_is_understood(
        master: ZenginBankMaster) -> None:
    assert master.search_banks("北海道信用金庫")[0].code == "1001"
    assert master.search_banks("ほっかいどうしんようきんこ")[0].code == "1001"
    assert master.search_banks("ゆうちょ銀行")[0].code == "9900"
    assert master.search_banks("みつびしゆーえふじぇい")[0].code == "0005"


def test_at_most_the_limit_is_returned_and_an_empty_query_finds_nothing(
        master: ZenginBankMaster) -> None:
    assert len(master.search_banks("あ")) == 12
    assert len(master.search_banks("あ", limit=3)) == 3
    assert master.search_banks("") == [] and master.search_banks("銀行") == []


def test_a_bank_and_a_branch_are_looked_up_by_code(master: ZenginBankMaster) -> None:
    assert master.bank("0001") == Bank("0001", "みずほ", "ミズホ")
    assert master.branch("0001", "001") == Branch("0001", "001", "東京営業部", "トウキヨウ")
    assert master.bank("0000") is None and master.branch("0001", "000") is None


@pytest.mark.parametrize("query", ["001", "東京営業部", "東京営業部支店", "とうきょう"])
def test_a_branch_is_found_by_code_name_or_kana(master: ZenginBankMaster, query: str) -> None:
    assert master.search_branches("0001", query)[0].code == "001"


def test_a_branch_search_stays_within_its_bank(master: ZenginBankMaster) -> None:
    assert {b.bank_code for b in master.search_branches("0009", "東京")} == {"0009"}
    assert master.search_branches("0000", "東京") == []


@pytest.mark.parametrize(("query", "code"), [("019", "019"), ("〇一九", "019"),
                                             ("０１９", "019"), ("九〇八", "908")])
def test_yucho_branches_named_in_kanji_digits_are_found_by_digits(
        master: ZenginBankMaster, query: str, code: str) -> None:
    found = master.search_branches("9900", query)

    assert found[0].code == code
    assert found[0].name.translate(str.maketrans("〇一二三四五六七八九", "0123456789")) == code


def test_yucho_digits_match_as_a_prefix_too(master: ZenginBankMaster) -> None:
    assert [b.code for b in master.search_branches("9900", "01")] == ["018", "019"]


def test_given_records_are_searched_the_same_way_without_the_package() -> None:
    master = ZenginBankMaster.from_records(
        [Bank("0001", "みずほ", "ミズホ")], [Branch("0001", "015", "築地", "ツキヂ")])

    assert master.search_banks("ﾐｽﾞﾎ") == [Bank("0001", "みずほ", "ミズホ")]
    assert master.search_branches("0001", "つきじ")[0].code == "015"


def test_nothing_is_loaded_until_first_used() -> None:
    calls = []

    def load() -> tuple[list[Bank], list[Branch], dict[str, str]]:
        calls.append(1)
        return [Bank("0001", "みずほ", "ミズホ")], [], {}

    master = ZenginBankMaster(load)
    assert calls == []
    master.bank("0001")
    master.search_banks("みずほ")
    assert calls == [1]


def test_folding_makes_kana_width_and_case_alike() -> None:
    assert fold("ミズホ") == fold("ﾐｽﾞﾎ") == fold("みずほ") == "みずほ"
    assert fold("トウキョウ") == fold("とうきよう")
    assert fold("ＰａｙＰａｙ") == "paypay"


@pytest.mark.parametrize(("query", "code"), [
    ("みずほ", "0001"), ("みずほ銀行", "0001"), ("0001", "0001"), ("ゆうちょ", "9900"),
    ("三菱UFJ銀行", "0005"), ("北海道信用金庫", "1001"),
])
def test_a_bank_named_exactly_is_found_as_the_one_bank(master: ZenginBankMaster, query: str,
                                                       code: str) -> None:
    found = master.exact_bank(query)
    assert found is not None and found.code == code


@pytest.mark.parametrize("query", ["みず", "しんきん", "銀行", ""])
def test_a_part_of_a_name_is_not_taken_as_exact(master: ZenginBankMaster, query: str) -> None:
    assert master.exact_bank(query) is None


@pytest.mark.parametrize("query", ["001", "東京営業部", "東京営業部支店"])
def test_a_branch_named_exactly_is_found(master: ZenginBankMaster, query: str) -> None:
    found = master.exact_branch("0001", query)
    assert found is not None and found.code == "001"


def test_every_full_name_in_the_master_reads_as_one_name(master: ZenginBankMaster) -> None:
    """No 本店支店 or 営業部支店; banks end in 銀行 and credit unions are spelled out."""
    index = master._loaded()
    assert master.bank("0005").full_name == "三菱ＵＦＪ銀行"
    assert master.bank("9900").full_name == "ゆうちょ銀行"
    assert master.branch("0005", "001").full_name == "本店"
    assert master.branch("9900", "018").full_name == "〇一八店"
    for bank in index.banks.values():
        assert not bank.full_name.endswith(("信金", "信組", "農協", "労金")), bank
        if bank.code < "1000":
            assert bank.full_name.endswith("銀行"), bank
        for branch in index.branches.get(bank.code, {}).values():
            name = branch.full_name
            assert not name.endswith(("支店支店", "本店支店", "営業部支店", "出張所支店")), branch
