"""Local receivers speaking each channel's real wire protocol, on loopback only."""
