"""`/iamdeny`, the buttons on replies, the modals and App Home: the logic behind those listeners.

The listener packages (`bot.listeners.commands`, `.actions`, `.views`, `.home`) only acknowledge
and hand over; the work is here, in small modules that take `Deps`, a Web API client and a
`Caller` (who asked, in which verified workspace):

- `scope`: the verified workspace of a request (`verified_team`), workspace admins, language.
- `respond`: messages to a `response_url` (ephemeral, in channel, replacing the original).
- `answers`: answer a paste (record it like a channel message) and re-render stored incidents
  (share in channel, the other language, the reply after a resolution).
- `slash`: the `/iamdeny` subcommands.
- `interactions`: the reply buttons and the resolve modal.
- `settings`: the settings modal (admins only) and its validation.
- `refresh`: a thread reply re-rendered after its incident was resolved.
- `home`: the App Home tab.
- `texts`: the short notes these send (English and Korean).

Every lookup of an incident or a setting is scoped by the team id of the verified request;
ids carried in button values and private metadata are only ever looked up inside that team.
"""
