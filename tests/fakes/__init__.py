"""Fake chat-platform servers on loopback: the real clients talk HTTP to them."""
