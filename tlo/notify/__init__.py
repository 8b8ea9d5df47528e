"""The outbox: messages queued in the same transaction as the change, sent later by
`python -m tlo send-mail` (cron) or `python -m tlo send-mail --loop`."""
