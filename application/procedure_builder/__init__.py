"""The procedure builder (手続きの作成, ADR 0055): staff draft procedures as templates, try them in
a chat, publish versions, and share them with other towns as template files."""
