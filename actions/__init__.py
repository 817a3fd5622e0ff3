"""Custom actions of Korea Week Assistant, one module per topic (rasa-sdk)."""
