"""What casedesk reports about itself, in Prometheus' terms."""
