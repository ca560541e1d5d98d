"""Demo data: a DCSA eBL 3.0.3 transport document for Chongqing - Qinzhou - Singapore."""
