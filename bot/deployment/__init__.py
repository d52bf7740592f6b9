"""What a running bot is handed: its configuration and its services."""
