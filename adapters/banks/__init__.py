"""Bank masters: the Zengin bank and branch codes residents pick their account from."""
