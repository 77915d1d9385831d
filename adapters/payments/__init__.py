"""Payment gateways: PayPay Open Payment API, LINE Pay v3, and a fake for development."""
