"""Generate a city-sized registry for benchmarks: one subdistrict of N communities.

Each community gets compounds, grids, buildings of flats, dwellings, households, residents
(pinyin search keys filled) and owners, made the same way as the Zhouji demo
(gongzhi/core/demo.py) and written with bulk_create in batches. Community sizes vary, so a
benchmark can compare a small community with a large one.

    .venv/bin/python bench/generate.py --communities 20 --residents 200000
"""

import argparse
import functools
import random
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _words(text: str) -> list[str]:
    return text.split()


CITY_CODE = "429005900"  # a made-up street (900) under Qianjiang's county code
COMMUNITY_NAMES = _words(
    "向阳 城南 东风 新华 解放 建设 光华 友谊 红旗 胜利 团结 育才 朝阳 长青 春风 "
    "和平 幸福 文昌 兴华 湖滨 园林 江汉 章华 泽口 广华 杨市 高场 熊口 浩口 渔洋"
)
COMPOUND_NAMES = _words(
    "幸福小区 和平小区 建设小区 东方花园 阳光新城 锦绣家园 翠湖苑 金桥小区 育才小区 人民新村 "
    "滨江花园 银河小区 丽景苑 长江小区 汉江新村 园丁小区 文化小区 光明小区 春晓苑 华庭小区"
)


def city_name(communities: int, residents: int, seed: int) -> str:
    """The subdistrict's name records how it was made, so a rerun can reuse it."""
    return f"压测街道 {communities}x{residents} seed {seed}"


def city_plans(communities: int, residents: int, rng: random.Random) -> list:
    """Plans for N urban communities whose sizes vary between about 0.4x and 1.6x the mean."""
    from gongzhi.core.demo import CommunityPlan, CompoundPlan
    from gongzhi.registry.models import Community

    weights = [rng.uniform(0.4, 1.6) for _ in range(communities)]
    total = sum(weights)
    plans = []
    for index, weight in enumerate(weights, start=1):
        active = max(50, round(residents * weight / total))
        names = rng.sample(COMPOUND_NAMES, rng.randint(3, 6))
        compounds = tuple(
            CompoundPlan(
                name,
                rng.uniform(0.5, 1.5),
                area=rng.choice(((55, 90), (60, 110), (80, 140))),
                floors=rng.choice(((5, 6), (6,), (6, 7))),
            )
            for name in names
        )
        base = COMMUNITY_NAMES[(index - 1) % len(COMMUNITY_NAMES)]
        plans.append(
            CommunityPlan(
                code=f"{index:03d}",
                name=f"{base}社区" if index <= len(COMMUNITY_NAMES) else f"{base}{index}社区",
                kind=Community.Kind.URBAN,
                active=active,
                elderly_share=rng.uniform(0.18, 0.45),
                grids=max(1, round(active / 1500)),
                compounds=compounds,
                unsold_block_in=names[0],
                multi_owner_in=names[1],
            )
        )
    return plans


def generate_city(communities: int = 20, residents: int = 200_000, seed: int = 7, stdout=None):
    """Create one subdistrict with `communities` communities and about `residents` residents."""
    from django.db import transaction

    from gongzhi.core.demo import build_community
    from gongzhi.core.text import pinyin_keys
    from gongzhi.registry import models as registry_models

    stdout = stdout or sys.stdout
    rng = random.Random(seed)
    today = date.today()
    started = time.perf_counter()
    subdistrict = registry_models.Subdistrict.objects.create(
        name=city_name(communities, residents, seed), code=CITY_CODE
    )
    # Names repeat a lot in a city; remembering their pinyin keeps the generator quick while
    # Resident.fill_search_keys() stays the one place that fills the search columns.

    def progress(prefix: str, message: str) -> None:
        stdout.write(f"{prefix} {message} ({time.perf_counter() - started:.0f} s)\n")

    cached = functools.lru_cache(maxsize=None)(pinyin_keys)
    with mock.patch.object(registry_models, "pinyin_keys", cached):
        for number, plan in enumerate(city_plans(communities, residents, rng), start=1):
            with transaction.atomic():
                build_community(
                    subdistrict=subdistrict,
                    plan=plan,
                    rng=rng,
                    today=today,
                    say=functools.partial(progress, f"[{number}/{communities}]"),
                )
            stdout.flush()
    return subdistrict


def ensure_city(communities: int = 20, residents: int = 200_000, seed: int = 7, stdout=None):
    """Return the benchmark city, generating it unless this database already holds it."""
    from gongzhi.core.db import analyze
    from gongzhi.registry.models import Subdistrict

    stdout = stdout or sys.stdout
    existing = Subdistrict.objects.filter(code=CITY_CODE).first()
    if existing is not None and existing.name == city_name(communities, residents, seed):
        stdout.write(f"Reusing the generated city: {existing.name}\n")
        analyze()
        return existing
    if existing is not None:
        wipe_bench_database(stdout)
    stdout.write(f"Generating {communities} communities, {residents:,} residents…\n")
    city = generate_city(communities, residents, seed, stdout)
    analyze()  # the planner needs statistics to choose the search indexes
    return city


def wipe_bench_database(stdout) -> None:
    """Empty the database before making a city of another size; only a bench database."""
    from django.core.management import call_command
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name and "results" not in name:
        raise SystemExit(f"Refusing to empty {name!r}: a bench database's name contains 'bench'.")
    stdout.write(f"Emptying {name} for a city of another size…\n")
    call_command("flush", interactive=False, verbosity=0)


def main() -> None:
    from bench.common import add_city_arguments, setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    print(setup_django(args))
    started = time.perf_counter()
    ensure_city(args.communities, args.residents, args.seed)
    print(f"Done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
