import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
application = get_wsgi_application()
# Import every view now, then hide what start-up made (the pinyin tables alone are some
# 200,000 lists that live as long as the process) from the garbage collector: its full
# collections otherwise walk them all, pausing a request now and then for ~250 ms.
import_module(settings.ROOT_URLCONF)
gc.freeze()
