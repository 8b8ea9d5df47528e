"""The names and words the generated records are made of."""

from __future__ import annotations

FIRST_NAMES = """
Aaron Abigail Adrian Aisha Alan Amara Ana Andre Anika Arjun Ayesha Bao Carlos Chen Chiara
Daniel Dmitri Elif Emma Eun Fatima Felix Gabriel Hana Hassan Ines Ivan Jae Jamal Javier
Julia Kenji Khalid Lara Leila Lucas Mahmoud Mei Mia Nadia Naveen Nora Omar Paolo Priya
Rafael Rina Sana Sofia Sven Tariq Thomas Uma Victor Wen Yusuf Zara
""".split()  # noqa: SIM905
LAST_NAMES = """
Abbott Acharya Baker Banerjee Becker Brooks Castillo Chang Cohen Das Dubois Edwards Feng
Garcia Gupta Hansen Hoffmann Huang Ibrahim Jensen Johnson Kaur Kim Kowalczyk Kumar Larsen
Lopez Martin Mendes Morales Nakamura Nguyen Novak Olsen Park Patel Quinn Reddy Richter Rossi
Sato Schmidt Shah Silva Singh Sorensen Suzuki Tan Taylor Torres Vargas Wang Weber Williams
Wright Yamamoto Yang Young Zhou
""".split()  # noqa: SIM905
TOPICS = """
battery electrode catalyst sensor antibody vaccine imaging laser microfluidic polymer
graphene robot neural network genome CRISPR protein enzyme solar membrane implant drone
lidar quantum photonic semiconductor hydrogel nanoparticle biomarker diagnostic therapy
peptide wearable ultrasound MRI compiler database encryption fuel-cell desalination
prosthetic stent scaffold organoid
""".split()  # noqa: SIM905
ADJECTIVES = """
low-power scalable rapid portable high-throughput implantable biodegradable flexible
adaptive self-healing wireless multiplexed non-invasive ultra-sensitive energy-efficient
modular targeted programmable
""".split()  # noqa: SIM905
SECTORS = [
    "Biotechnology",
    "Pharmaceuticals",
    "Medical devices",
    "Semiconductors",
    "Software",
    "Energy",
    "Materials",
    "Diagnostics",
    "Robotics",
    "Agriculture",
]
COMPANY_WORDS = """
Acme Apex Aurora Beacon Blue Bright Cardinal Cedar Clear Coastal Summit Crest Delta Ember
Evergreen Falcon Forge Frontier Granite Harbor Helix Horizon Iron Juniper Keystone Lumen
Meridian Nova Oak Orbit Pacific Peak Pioneer Quantum Redwood Sierra Silver Spark Sterling
Tidal Titan Vector Vista Willow Zenith
""".split()  # noqa: SIM905
COMPANY_NOUNS = """
Bio Therapeutics Labs Devices Systems Robotics Energy Materials Diagnostics Photonics
Genomics Analytics Medical Sensors Semiconductors Networks Pharma Instruments
""".split()  # noqa: SIM905
SUFFIXES = ["Inc.", "LLC", "Corp.", "Ltd", "GmbH", "S.A.", "", "Co."]
