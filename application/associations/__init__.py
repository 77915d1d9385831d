"""自治会・町内会: the associations staff keep, their members (imported from the association's
list or joined in the chat), the 自治会長's account, and the 回覧板 with its read receipts
(ADR 0057)."""
