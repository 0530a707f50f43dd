from rest_framework.routers import SimpleRouter

from wsr.network.api.views import SupplierViewSet, WorksiteViewSet

router = SimpleRouter()
router.register("suppliers", SupplierViewSet)
router.register("worksites", WorksiteViewSet)
urlpatterns = router.urls
