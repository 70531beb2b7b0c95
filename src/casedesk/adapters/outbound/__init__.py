"""Outbound HTTP: which addresses casedesk may send to, and the one client senders use."""
