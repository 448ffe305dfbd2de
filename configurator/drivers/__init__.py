"""One package per protocol family (2N, Onetouch, Fanvil, FCM5600) and the registry."""
