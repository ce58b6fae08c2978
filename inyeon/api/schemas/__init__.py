"""Input and output schemas of the API, one module per resource.

Inputs are deliberately loose (strings, optional fields): the services validate them and name each
bad field in the user's language, which pydantic alone cannot do.
"""
