"""Where people sign in: a kommune's identity-provider settings and the operator's pool.

Below both ``backend.auth`` (which logs people in with the kommune's provider settings)
and ``backend.operator`` (which onboards kommuner and their providers); it imports
neither. ``idp`` holds the rules for an issuer and the kommune's sealed client secret,
``repository`` the registry reads a login needs, ``operator_db`` the operator's own pool.
"""
