"""Channel adapters: each turns its platform's updates into Incoming and Replies into platform calls."""
