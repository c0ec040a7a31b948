"""The message pipeline: read a Slack message, record its denials, reply once in its thread.

- `extract`: the text of a message event (text, attachments, rich-text blocks), and which events
  are pastes at all.
- `intake`: classify and redact a paste and record its incidents (runs before Slack is answered).
- `language`: which language to answer a user in.
- `compose`: the reply's Block Kit (via `bot.render`).
- `reply`: post (or, for edits, update) the one reply, after the ack, under a reply claim.
"""
