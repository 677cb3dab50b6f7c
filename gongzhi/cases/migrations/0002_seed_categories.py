"""Seed the shared two-level category table (DOMAIN.md §4, after GB/T 30428).

Time limits follow DOMAIN.md §3: 2 hours for emergencies, 24 hours for utilities, working
days for the rest (5 by default); each community can override them.
"""

from django.db import migrations

WH, WD, CH = "working_hours", "working_days", "calendar_hours"

# kind, major code, major name, [(minor code, name, limit, unit, filing, closing)]
SEED = [
    ("event", "01", "市容环境", [
        ("01", "私搭乱建", 15, WD,
         "未经批准在公共用地、楼顶、通道或绿地搭建的建筑物、构筑物。",
         "违建已拆除或依法补办手续，现场清理干净并拍照留存。"),
        ("02", "暴露垃圾", 2, WD,
         "生活垃圾、建筑垃圾或大件废弃物露天堆放在垃圾桶外、公共场所可见。",
         "垃圾清运完毕，现场干净，同一角度拍照对比。"),
        ("03", "积存垃圾渣土", 3, WD,
         "长期积存的垃圾、渣土、杂物，清运需要车辆或人力组织。",
         "积存物全部清运，地面平整干净。"),
        ("04", "道路不洁", 1, WD,
         "道路、人行道有明显污渍、垃圾、油污或泥土。",
         "路面清扫冲洗干净。"),
        ("05", "水域不洁", 5, WD,
         "河道、沟渠、池塘水面有漂浮垃圾、杂草或异味。",
         "水面漂浮物清理完毕，岸边无垃圾。"),
        ("06", "绿地脏乱", 3, WD,
         "绿地内有垃圾、杂物、毁绿种菜或堆放物。",
         "绿地清理干净，恢复绿化。"),
    ]),
    ("event", "02", "宣传广告", [
        ("01", "违规张贴", 2, WD,
         "墙面、电杆、楼道张贴或涂写的小广告。",
         "小广告清除，墙面恢复。"),
        ("02", "违规户外广告", 5, WD,
         "未经审批或破损、有安全隐患的户外广告、招牌。",
         "广告拆除或整改到位。"),
    ]),
    ("event", "03", "施工管理", [
        ("01", "施工扰民", 2, WD,
         "夜间或禁止时段施工，噪声、粉尘影响居民。",
         "施工方整改，居民确认影响消除。"),
        ("02", "施工占道", 3, WD,
         "施工材料、围挡占用道路或通道，无审批或超范围。",
         "恢复通行，占道物清除。"),
        ("03", "渣土遗撒", 1, WD,
         "运输车辆沿途遗撒渣土、泥浆。",
         "路面清理干净，责任方处理完毕。"),
    ]),
    ("event", "04", "突发事件", [
        ("01", "路面塌陷", 2, CH,
         "路面、地面突然塌陷或出现空洞，危及通行安全。",
         "现场围挡警示，抢修完成。"),
        ("02", "管道破裂", 2, CH,
         "供水、排水、燃气管道破裂或泄漏。",
         "关阀止漏，管道修复，恢复供应。"),
        ("03", "道路积水", 2, CH,
         "降雨后道路、小区严重积水，影响通行。",
         "积水排除，排水设施疏通。"),
        ("04", "其他突发事件", 2, CH,
         "其他需要立即处置的突发情况（火警、治安、急救请拨打110/119/120）。",
         "险情消除。"),
    ]),
    ("event", "05", "街面秩序", [
        ("01", "占道经营", 2, WD,
         "在道路、人行道、小区出入口摆摊经营。",
         "摊点清除，通道恢复。"),
        ("02", "车辆乱停放", 1, WD,
         "机动车、非机动车占用消防通道、人行道或出入口停放。",
         "车辆挪走，通道畅通。"),
        ("03", "噪声扰民", 2, WD,
         "经营、娱乐或生活噪声持续影响居民休息。",
         "噪声源整改，居民确认。"),
    ]),
    ("event", "99", "其他", [
        ("01", "其他事件", 5, WD, "不属于以上类别的问题。", "问题解决，答复居民。"),
    ]),
    ("component", "01", "公用设施", [
        ("01", "井盖", 24, CH,
         "井盖缺失、破损、移位或不平，存在安全隐患。",
         "井盖补齐或更换，平整牢固。"),
        ("02", "路灯", 3, WD, "路灯、楼道灯不亮或损坏。", "灯具修复，夜间正常照明。"),
        ("03", "供水设施", 24, CH, "供水管道、水表、消防栓损坏或漏水。", "设施修复，恢复正常。"),
    ]),
    ("component", "02", "道路交通", [
        ("01", "道路破损", 5, WD, "路面坑洼、破损、不平整。", "路面修补平整。"),
        ("02", "交通设施", 5, WD, "交通标志、标线、护栏、减速带损坏或缺失。", "设施修复或补设。"),
    ]),
    ("component", "03", "市容环境", [
        ("01", "垃圾箱", 3, WD, "垃圾桶、垃圾箱破损、缺失或满溢。", "垃圾箱修复或更换、及时清运。"),
        ("02", "公共厕所", 2, WD, "公厕设施损坏、不洁或无法使用。", "设施修复，保洁到位。"),
    ]),
    ("component", "04", "园林绿化", [
        ("01", "行道树", 5, WD,
         "树木倒伏、枯死、枝叶遮挡或需要修剪。",
         "树木扶正、补种或修剪完成。"),
        ("02", "绿地设施", 5, WD, "绿地护栏、座椅、喷灌等设施损坏。", "设施修复。"),
    ]),
    ("component", "05", "房屋土地", [
        ("01", "危旧房屋", 1, WD, "房屋墙体开裂、外墙脱落等安全隐患。", "隐患排除或设置警示并转交主管部门。"),
        ("02", "楼道设施", 5, WD, "楼道门、扶手、窗户、信报箱等公共部位损坏。", "公共部位修复。"),
    ]),
    ("component", "06", "其他设施", [
        ("01", "健身设施", 5, WD, "公共健身器材损坏或存在安全隐患。", "器材修复或拆除更换。"),
        ("99", "其他设施", 5, WD, "不属于以上类别的设施问题。", "设施修复，答复居民。"),
    ]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for kind, major_code, major_name, minors in SEED:
        major = Category.objects.create(
            kind=kind, major_code=major_code, minor_code="", name=major_name
        )
        Category.objects.bulk_create(
            Category(
                kind=kind,
                major_code=major_code,
                minor_code=minor_code,
                parent=major,
                name=name,
                time_limit=limit,
                time_unit=unit,
                filing_criteria=filing,
                closing_criteria=closing,
            )
            for minor_code, name, limit, unit, filing, closing in minors
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Category.objects.filter(community__isnull=True).exclude(minor_code="").delete()
    Category.objects.filter(community__isnull=True, minor_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
