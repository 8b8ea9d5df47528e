"""The public technology catalogue (issue #20): published snapshots of marketing summaries."""
