"""LINE: webhook, outbound messages, rendering, and a local simulator of the platform."""
