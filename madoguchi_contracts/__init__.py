"""Contract suites for Madoguchi's ports, shipped with the distribution for integrators.

Each port an integrator may implement has one suite here: a class of tests named
`<Port>Contract` in a module named for the port. An adapter's own test module subclasses it and
provides the one fixture the suite's docstring names (a factory for the adapter under test and
the hooks the suite needs to observe it), and pytest runs every promise against that adapter:

    from madoguchi_contracts.messaging import MessagingChannelContract

    class TestMyChannel(MessagingChannelContract):
        @pytest.fixture
        def harness(self): ...

The suites import the application's ports and the domain only, never an adapter: the same
suite runs on the built-in adapters, their in-memory fakes and a vendor's package
(docs/integrators.md)."""
