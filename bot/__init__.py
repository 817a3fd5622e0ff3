"""Korea Week Assistant: the Python code behind the Rasa bot."""
