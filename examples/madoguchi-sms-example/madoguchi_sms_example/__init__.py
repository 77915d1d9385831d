"""An example third-party SMS adapter for Madoguchi: the template a vendor copies
(docs/integrators.md in Madoguchi's repository walks through it).

- client.py: the adapter, Madoguchi's `MessagingChannel` port over the vendor's HTTP API;
- plugin.py: the plug-in (settings hook and factory) the entry point names;
- standin.py: a local stand-in for the vendor's API, for the tests."""
