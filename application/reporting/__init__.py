"""What the town reports (the staff dashboard): figures from its own data, no personal data."""
