"""iamdeny's edges: the Slack adapter and the process entry points.

The HTTP app, Socket Mode, the digest scheduler and the command line live here.

Only this package imports slack_bolt / slack_sdk, and only in the modules that need them, so the
command line stays fast.
"""
