"""One module per screen. Screens render and route; they reach the register only via the app."""
