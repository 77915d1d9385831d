"""What the town's IT section does to the installation itself (backups), audited like any
other act."""
