"""The SMS hotline over Twilio: inbound conversation, outbound messages, delivery status."""
