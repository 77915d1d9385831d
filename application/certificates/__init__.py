"""Certificate requests (証明書の交付請求): the dialog on the resident's channel, the fee paid
online, and the staff issue queue."""
