"""The baseline for the inbound benchmark: an empty Flask endpoint, served the same way."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/line/webhook")
def webhook():  # type: ignore[no-untyped-def]
    return jsonify({}), 200
