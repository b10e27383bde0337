"""National services per kommune (issue 20): one place where the operator configures each
kommune's Serviceplatform services (endpoint, service agreement, user system, CVR, system
certificate with its private key sealed), their health, and the clients that use them:
FK Organisation (SF1500, ``fkorg``) and the Sags- og dokumentindeks (SF1470, ``sagsindeks``).
CPR (SF1520) and the Context Handler plug in through the same configuration."""
