"""Inter-institutional agreements (IIAs): inventions owned jointly with other institutions
(#19, item 1). See tlo.iia.services."""
