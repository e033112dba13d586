def test_probe(app, api):
    spec = api.get("/openapi.json").get_json()
    p = spec["paths"]["/api/v1/neighbourhoods"]["post"]
    print(p.get("requestBody"), list(p["responses"]))
    print(spec["paths"]["/api/v1/neighbourhoods/{slug}"]["patch"].get("requestBody"))
