"""Resident channels (LINE first; SMS, mail and the web later): what arrives and who it is."""
