"""Choice sets and fixed lists of the service-access app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Services that are a provincial competence under UU 23/2014 (annex I): upper-secondary schools
# (pendidikan menengah) and the motor-vehicle tax of the Samsat offices. Their points are run by the
# province unless an import names another operator, so every resident of the province may use them.
PROVINCE_RUN_SERVICES = frozenset({"sma_smk", "samsat"})


class Basis(models.TextChoices):
    """Why a resident may use a service point."""

    OWN_REGION = "wilayah_sendiri", _("Run by the resident's own kabupaten/kota")
    PROVINCE = "provinsi", _("Run by the resident's province")
    AGREEMENT = "perjanjian", _("Opened by a cooperation agreement")


class OriginMatch(models.TextChoices):
    """How the resident's desa/kelurahan was found."""

    CODE = "kode", _("Region code given")
    POLYGON = "poligon", _("The point lies inside the desa/kelurahan boundary")
    NEAREST_CENTRE = "pusat_terdekat", _("Nearest desa/kelurahan centre")
