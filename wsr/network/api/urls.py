from rest_framework.routers import SimpleRouter

from wsr.network.api.views import StandingProposalViewSet, SupplierViewSet, WorksiteViewSet

router = SimpleRouter()
router.register("suppliers", SupplierViewSet)
router.register("worksites", WorksiteViewSet)
router.register("standing-proposals", StandingProposalViewSet)
urlpatterns = router.urls
