"""iamdeny's edges: the Slack adapter and the process entry points (HTTP app, Socket Mode, scheduler, CLI).

Only this package imports slack_bolt / slack_sdk, and only in the modules that need them, so the
command line stays fast.
"""
