"""The shipments job: tells RMS about the parcels recorded here, exactly once (docs/rms.md §2.5).

- ``plan``: one order's pending shipments as tracking rows, grouped by basket, within the 20-row limit;
- ``send``: one updateOrderShipping per order, and what each kind of failure means;
- ``outcome``: the run's counts and turning RMS's answer into report states;
- ``batch``: updateOrderShippingAsync for big backlogs, and its results;
- ``readback``: getOrder for calls whose outcome is unknown, adopting rows RMS already holds;
- ``report``: the job function ``report_shipments``.
"""
