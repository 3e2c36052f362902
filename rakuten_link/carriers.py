"""Rakuten's carrier table (deliveryCompany codes and names, docs/rms.md §2.8): data only, written once.

Both the RMS client (``rms/codes.py``: names shown to staff, names typed in turned into codes) and the
sandbox (``sandbox/state/codes.py``: the codes it accepts and the carriers of the orders it makes) read
this one table. Neither may import the other (the sandbox plays Rakuten; the client is ours), so the table
sits beside both and imports nothing: tests/test_layout.py lets the two reach only this module outside their
own package, and fails if it ever imports anything.
"""

from __future__ import annotations

# In RMS's order.
DELIVERY_COMPANIES: dict[str, str] = {
    "1000": "その他",
    "1001": "ヤマト運輸",
    "1002": "佐川急便",
    "1003": "日本郵便",
    "1004": "西濃運輸",
    "1005": "セイノースーパーエクスプレス",
    "1006": "福山通運",
    "1007": "名鉄運輸",
    "1008": "トナミ運輸",
    "1009": "第一貨物",
    "1010": "新潟運輸",
    "1011": "中越運送",
    "1012": "岡山県貨物運送",
    "1013": "久留米運送",
    "1014": "山陽自動車運送",
    "1015": "NXトランスポート",
    "1016": "エコ配",
    "1017": "EMS",
    "1018": "DHL",
    "1019": "FedEx",
    "1020": "UPS",
    "1021": "日本通運",
    "1022": "TNT",
    "1023": "OCS",
    "1024": "USPS",
    "1025": "SFエクスプレス",
    "1026": "Aramex",
    "1027": "SGHグローバル・ジャパン",
    "1028": "Rakuten EXPRESS",
    "1029": "日本郵便 楽天倉庫出荷",
    "1030": "ヤマト運輸 クロネコゆうパケット",
    "1031": "名鉄NX運輸",
}
