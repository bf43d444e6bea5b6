"""`mm fake-exchange`: the fake Extended venue on loopback, for trying every app without keys or a network."""
