"""Janus WebRTC server (SFU) run as tiepdan's own process.

- ``config``: the configuration folder written from settings (never /etc/janus).
- ``process``: start, wait for and stop a Janus process on that folder.
- ``client``: the server-side HTTP client for the Janus API and the Admin API.

The media back end built on these is ``tiepdan.live.backends.janus``.
"""
