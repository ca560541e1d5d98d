"""The web app: server-rendered pages for every role, from the same process as the API."""
