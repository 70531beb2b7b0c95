"""The notify reaction: plan who is told about each recorded event (`plan`), and deliver
each planned notice through its channel with retries (`deliver`, run by the worker)."""
