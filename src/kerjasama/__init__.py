"""kerjasama: the register of inter-regional cooperation agreements of Kalimantan Timur."""

__version__ = "0.1.0"
