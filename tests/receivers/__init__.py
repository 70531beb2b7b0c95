"""Loopback receivers that speak each channel's documented wire contract (Standard Webhooks,
Slack Web API, Teams Workflows, PagerDuty Events v2), for tests and local trials: real HTTP
servers on 127.0.0.1, with scripted answers and a read-back of what they were sent."""
