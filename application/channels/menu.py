"""What the town's account says outside a procedure: the greeting and the menu of procedures."""

from __future__ import annotations

from attrs import field, frozen

from application.ports.messaging import Choice, MessageStyle, OutgoingMessage

__all__ = [
    "ASSOCIATIONS_DATA",
    "ASSOCIATIONS_LABEL",
    "CONTACTS_DATA",
    "CONTACTS_LABEL",
    "INTERESTS_DATA",
    "INTERESTS_LABEL",
    "MENU_DATA",
    "PAGE_PREFIX",
    "START_PREFIX",
    "STATUS_DATA",
    "STATUS_LABEL",
    "STATUS_WORDS",
    "SWITCH_PREFIX",
    "VERIFY_DATA",
    "VERIFY_LABEL",
    "Menu",
    "MenuEntry",
]

START_PREFIX = "start:"  # postback data that starts a procedure: start:<procedure id>
MENU_DATA = "menu"
# A rich menu tile that switches the menu (richmenuswitch): LINE switches it and sends this
# postback with params.newRichMenuAliasId; there is nothing to answer.
SWITCH_PREFIX = "richmenu-switch:"
VERIFY_DATA = "verify:start"  # 本人確認 (registration with the My Number card)
VERIFY_LABEL = "本人確認"
STATUS_DATA = "status"  # 状況確認: how the household's applications stand
STATUS_LABEL = "状況確認"
CONTACTS_DATA = "contacts:list"  # 連絡先: the resident's channels (channels/contacts.py)
CONTACTS_LABEL = "連絡先"
INTERESTS_DATA = "interests:list"  # お知らせの設定: the interests to subscribe to (interests.py)
INTERESTS_LABEL = "お知らせの設定"
# 自治会: the associations open to join, and joining or leaving (application/associations/desk.py)
ASSOCIATIONS_DATA = "association:list"
ASSOCIATIONS_LABEL = "自治会"
PAGE_PREFIX = "menu:page:"  # another page of a long menu: menu:page:<n>
MAX_QUICK_REPLIES = 13  # LINE shows at most 13 quick replies
_PER_PAGE = MAX_QUICK_REPLIES - 2  # room for 「前のページ」 and 「ほかの手続き」
MORE_LABEL = "ほかの手続き"
PREVIOUS_LABEL = "前のページ"
MENU_WORDS = {"メニュー", "めにゅー", "menu", "ヘルプ", "help", "?", "？"}
# While a case holds the chat (a live consultation, an answered inquiry), only these take the
# resident back to the menu: a 「？」 or 「help」 there is said to the town hall.
LEAVE_CASE_WORDS = {"メニュー", "めにゅー", "menu"}
STATUS_WORDS = {"状況確認", "申請状況", "じょうきょうかくにん", "status"}


@frozen
class MenuEntry:
    procedure_id: str
    label: str  # what the button says (≤ 20 characters on LINE)


@frozen
class Menu:
    town_name: str
    entries: tuple[MenuEntry, ...] = field(converter=tuple)
    associations: bool = False  # offer 「自治会」 (the town keeps its associations in Madoguchi)

    def greeting(self, *, verified: bool = False) -> list[OutgoingMessage]:
        """A new friend is asked to verify first; a verified resident who follows again (after
        blocking the account) is welcomed back with the menu of procedures."""
        if verified:
            return [OutgoingMessage(text=f"{self.town_name}の公式アカウントです。また友だち追加"
                                         "いただき、ありがとうございます。本人確認は済んでいます。"),
                    self.menu(verified=True)]
        return [
            OutgoingMessage(text=f"{self.town_name}の公式アカウントです。友だち追加ありがとう"
                                 "ございます。給付金のお知らせや各種の手続きを、このトークで"
                                 "ご案内します。"),
            self.menu("はじめに「本人確認」（マイナンバーカード）をお願いします。本人確認が"
                      "済むと、対象の給付金をこのトークでお知らせできます。"),
        ]

    def menu(self, text: str = "ご用件をお選びください。", *, verified: bool = False,
             page: int = 1) -> OutgoingMessage:
        """The procedures as quick replies; 本人確認 first for a resident not verified yet, 連絡先
        near the end for a verified one, お知らせの設定 last for everyone. More than LINE shows
        at once (13) go on pages, with 「ほかの手続き」 and 「前のページ」 between them."""
        verify = () if verified else (Choice(label=VERIFY_LABEL, data=VERIFY_DATA),)
        contacts = (Choice(label=CONTACTS_LABEL, data=CONTACTS_DATA),) if verified else ()
        contacts += (Choice(label=INTERESTS_LABEL, data=INTERESTS_DATA),)
        associations = ((Choice(label=ASSOCIATIONS_LABEL, data=ASSOCIATIONS_DATA),)
                        if self.associations else ())
        choices = (*verify, Choice(label=STATUS_LABEL, data=STATUS_DATA),
                   *(Choice(label=entry.label, data=f"{START_PREFIX}{entry.procedure_id}")
                     for entry in self.entries), *associations, *contacts)
        if len(choices) > MAX_QUICK_REPLIES:
            pages = [choices[n:n + _PER_PAGE] for n in range(0, len(choices), _PER_PAGE)]
            page = min(max(page, 1), len(pages))
            choices = (*((Choice(label=PREVIOUS_LABEL, data=f"{PAGE_PREFIX}{page - 1}"),)
                         if page > 1 else ()),
                       *pages[page - 1],
                       *((Choice(label=MORE_LABEL, data=f"{PAGE_PREFIX}{page + 1}"),)
                         if page < len(pages) else ()))
        return OutgoingMessage(text=text, choices=choices, style=MessageStyle.QUICK_REPLY)

    @staticmethod
    def asks_to_verify(kind_is_text: bool, text: str, data: str) -> bool:
        return data == VERIFY_DATA or (kind_is_text and text.strip() == VERIFY_LABEL)

    def procedure_for_text(self, text: str) -> str | None:
        """A resident may type a menu entry's label instead of tapping it."""
        typed = text.strip()
        for entry in self.entries:
            if typed == entry.label:
                return entry.procedure_id
        return None

    @staticmethod
    def asks_for_menu(text: str) -> bool:
        return text.strip().lower() in MENU_WORDS

    @staticmethod
    def leaves_a_case(text: str) -> bool:
        return text.strip().lower() in LEAVE_CASE_WORDS

    def postback_for_text(self, text: str) -> str | None:
        """A word that means a button (連絡先, お知らせの設定, 自治会): the button's data."""
        typed = text.strip()
        if self.associations and typed == ASSOCIATIONS_LABEL:
            return ASSOCIATIONS_DATA
        return {CONTACTS_LABEL: CONTACTS_DATA, INTERESTS_LABEL: INTERESTS_DATA}.get(typed)

    @staticmethod
    def asks_for_status(text: str) -> bool:
        return text.strip() in STATUS_WORDS
