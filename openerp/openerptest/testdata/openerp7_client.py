"""Drives openerptest the way OpenERP 7 scripts drive a real server, with
Python's own xmlrpc.client: a client nobody in this repository wrote.

The Go test TestPythonClient starts two fake servers and runs this script
with their addresses in the environment:

    OPENERP7_URL  an OpenERP 7.0 fake (serves /xmlrpc/ only)
    OPENERP8_URL  an Odoo 8 fake (adds /xmlrpc/2/ and search_read)
    OPENERP_DB, OPENERP_USER, OPENERP_PASSWORD

Every test creates the records it needs, so that the tests are
independent.
"""

import os
import unittest
import uuid
import xmlrpc.client as xmlrpclib

URL7 = os.environ["OPENERP7_URL"]
URL8 = os.environ["OPENERP8_URL"]
DB = os.environ["OPENERP_DB"]
USER = os.environ["OPENERP_USER"]
PASSWORD = os.environ["OPENERP_PASSWORD"]


def unique(prefix):
    return "%s %s" % (prefix, uuid.uuid4().hex[:8])


class OpenERP7(unittest.TestCase):
    """The idioms of OpenERP 7 scripts against /xmlrpc/."""

    def setUp(self):
        self.common = xmlrpclib.ServerProxy(URL7 + "/xmlrpc/common")
        self.uid = self.common.login(DB, USER, PASSWORD)
        self.sock = xmlrpclib.ServerProxy(URL7 + "/xmlrpc/object")

    def execute(self, model, method, *args):
        return self.sock.execute(DB, self.uid, PASSWORD, model, method, *args)

    def execute_kw(self, model, method, args, kwargs=None):
        return self.sock.execute_kw(DB, self.uid, PASSWORD, model, method, args, kwargs or {})

    def assertFault(self, call, code, fault_string=None):
        with self.assertRaises(xmlrpclib.Fault) as cm:
            call()
        if callable(code):
            self.assertTrue(code(cm.exception.faultCode), repr(cm.exception.faultCode))
        else:
            self.assertEqual(cm.exception.faultCode, code)
        if fault_string is not None:
            if callable(fault_string):
                self.assertTrue(fault_string(cm.exception.faultString), repr(cm.exception.faultString))
            else:
                self.assertEqual(cm.exception.faultString, fault_string)
        return cm.exception

    # common

    def test_version(self):
        version = self.common.version()
        self.assertEqual(version["server_version_info"][0], 7)
        self.assertEqual(version["server_version"], "7.0")

    def test_login(self):
        self.assertIsInstance(self.uid, int)
        self.assertIs(self.common.login(DB, USER, "wrong " + PASSWORD), False)
        self.assertEqual(self.common.authenticate(DB, USER, PASSWORD, {}), self.uid)
        self.assertIs(self.common.authenticate(DB, USER, "wrong", {}), False)

    def test_login_to_an_unknown_database(self):
        fault = self.assertFault(lambda: self.common.login("nodb", USER, PASSWORD),
                                 lambda code: 'database "nodb" does not exist' in code,
                                 lambda s: s.startswith("Traceback") and "OperationalError" in s)
        self.assertNotIn(PASSWORD, fault.faultString)

    # object: the ORM's methods

    def test_create_search_read_write_unlink(self):
        name = unique("Ada")
        pid = self.execute("res.partner", "create", {"name": name, "email": "ada@example.ch", "street": ""})
        self.assertIsInstance(pid, int)
        self.assertEqual(self.execute("res.partner", "search", [("name", "=", name)]), [pid])
        self.assertEqual(self.execute_kw("res.partner", "search_count", [[("name", "=", name)]]), 1)
        [row] = self.execute("res.partner", "read", [pid], ["name", "email", "street", "parent_id", "write_date", "__last_update"])
        self.assertEqual(row["id"], pid)
        self.assertEqual(row["email"], "ada@example.ch")
        self.assertEqual(row["street"], "")
        self.assertIs(row["parent_id"], False)
        self.assertNotIn("write_date", row, "7.0 has no write_date field: a log-access column")
        self.assertRegex(row["__last_update"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$",
                         "the version, as PostgreSQL prints a timestamp")

        self.assertIs(self.execute("res.partner", "write", [pid], {"email": False, "city": "Bern"}), True)
        [row] = self.execute_kw("res.partner", "read", [[pid]], {"fields": ["email", "city"]})
        self.assertIs(row["email"], False)
        self.assertEqual(row["city"], "Bern")
        self.assertEqual(self.execute("res.partner", "name_get", [pid]), [[pid, name]])

        self.assertIs(self.execute("res.partner", "unlink", [pid]), True)
        self.assertEqual(self.execute("res.partner", "read", [pid], ["name"]), [],
                         "read leaves a missing record out")
        self.assertIs(self.execute("res.partner", "unlink", [pid]), True,
                      "unlink of a missing record succeeds")
        self.assertIs(self.execute("res.partner", "read", pid, ["name"]), False,
                      "one missing ID reads as False")

    def test_read_one_id(self):
        pid = self.execute("res.partner", "create", {"name": unique("Bob")})
        row = self.execute("res.partner", "read", pid, ["name"])
        self.assertIsInstance(row, dict, "one ID, not in a list, reads as one record")
        self.assertEqual(row["id"], pid)

    def test_execute_kw_search_options(self):
        city = unique("City")
        ids = [self.execute("res.partner", "create", {"name": n, "city": city}) for n in ("A", "B", "C")]
        self.execute("res.partner", "write", [ids[2]], {"active": False})
        found = self.execute_kw("res.partner", "search", [[("city", "=", city)]], {"order": "name desc"})
        self.assertEqual(found, [ids[1], ids[0]], "archived records are hidden")
        found = self.execute_kw("res.partner", "search", [[("city", "=", city)]],
                                {"order": "name desc", "limit": 2, "context": {"active_test": False}})
        self.assertEqual(found, [ids[2], ids[1]])
        found = self.execute("res.partner", "search", [("city", "=", city)], 1, 1, "name asc")
        self.assertEqual(found, [ids[1]], "offset and limit as positional arguments")
        self.assertEqual(self.execute("res.partner", "search", [("city", "=", city)], 0, 0, False, False, True), 2,
                         "count=True counts")

    def test_domains(self):
        city = unique("City")
        a = self.execute("res.partner", "create", {"name": "A", "city": city, "customer": True})
        b = self.execute("res.partner", "create", {"name": "B", "city": city, "parent_id": a})
        c = self.execute("res.partner", "create", {"name": "C", "city": city, "parent_id": b})
        d = self.execute("res.partner", "create", {"name": "D", "city": city})
        in_city = [("city", "=", city)]
        self.assertEqual(self.execute("res.partner", "search", in_city + ["|", ("customer", "=", True), ("name", "=", "D")]), [a, d])
        self.assertEqual(self.execute("res.partner", "search", in_city + ["!", ("name", "in", ["A", "B"])]), [c, d])
        self.assertEqual(self.execute("res.partner", "search", [("id", "child_of", a)]), [a, b, c],
                         "child_of is the subtree, its root included")
        self.assertEqual(self.execute("res.partner", "search", [("parent_id", "child_of", a)]), [b, c])
        self.assertEqual(self.execute("res.partner", "search", in_city + [("name", "=like", "_")]), [a, b, c, d])

    def test_x2many_commands(self):
        partner = self.execute("res.partner", "create", {"name": unique("Buyer")})
        p1 = self.execute("product.product", "create", {"default_code": unique("A")})
        p2 = self.execute("product.product", "create", {"default_code": unique("B")})
        order = self.execute("sale.order", "create", {"partner_id": partner, "order_line": [
            (0, 0, {"product_id": p1, "product_uom_qty": 2, "price_unit": 29.5}),
            (0, 0, {"product_id": p2, "product_uom_qty": 1, "price_unit": 10.0}),
        ]})
        [row] = self.execute("sale.order", "read", [order], ["order_line"])
        lines = row["order_line"]
        self.assertEqual(len(lines), 2)
        self.execute("sale.order", "write", [order], {"order_line": [(1, lines[0], {"product_uom_qty": 3}), (2, lines[1])]})
        [row] = self.execute("sale.order", "read", [order], ["order_line"])
        self.assertEqual(row["order_line"], [lines[0]])
        [line] = self.execute("sale.order.line", "read", [lines[0]], ["product_uom_qty", "order_id"])
        self.assertEqual(line["product_uom_qty"], 3.0)
        self.assertEqual(line["order_id"][0], order, "a many2one reads as [id, name]")

        attrs = [self.execute("attribute.attribute", "create", {"name": unique("x_a"), "attribute_type": "char"}) for _ in range(3)]
        aset = self.execute("attribute.set", "create", {"name": unique("Set"), "attribute_ids": [(6, 0, attrs[:2])]})
        read = lambda: self.execute("attribute.set", "read", [aset], ["attribute_ids"])[0]["attribute_ids"]
        self.assertEqual(read(), attrs[:2])
        self.execute("attribute.set", "write", [aset], {"attribute_ids": [(4, attrs[2]), (3, attrs[0])]})
        self.assertEqual(read(), attrs[1:])
        self.execute("attribute.set", "write", [aset], {"attribute_ids": [(5,)]})
        self.assertEqual(read(), [])

    def test_lang_context(self):
        tid = self.execute("product.template", "create", {"name": "Lamp"})
        self.execute_kw("product.template", "write", [[tid], {"name": "Lampe"}], {"context": {"lang": "fr_FR"}})
        self.execute_kw("product.template", "write", [[tid], {"name": "Leuchte"}], {"context": {"lang": "de_DE"}})
        name_in = lambda lang: self.execute_kw("product.template", "read", [[tid], ["name"]], {"context": {"lang": lang}})[0]["name"]
        self.assertEqual(name_in("fr_FR"), "Lampe")
        self.assertEqual(name_in("de_DE"), "Leuchte")
        self.assertEqual(self.execute("product.template", "read", [tid], ["name"])[0]["name"], "Lamp")
        found = self.execute_kw("product.template", "search", [[("name", "=", "Leuchte")]], {"context": {"lang": "de_DE"}})
        self.assertEqual(found, [tid], "a search in a language matches its translations")

    def test_fields_get(self):
        fields = self.execute("res.partner", "fields_get")
        self.assertEqual(fields["parent_id"]["type"], "many2one")
        self.assertEqual(fields["parent_id"]["relation"], "res.partner")
        self.assertEqual(set(self.execute("res.partner", "fields_get", ["name", "email"])), {"name", "email"})

    def test_none_where_openerp_takes_none(self):
        sock = xmlrpclib.ServerProxy(URL7 + "/xmlrpc/object", allow_none=True)
        name = unique("Nil")
        pid = sock.execute(DB, self.uid, PASSWORD, "res.partner", "create", {"name": name, "city": None, "parent_id": None})
        self.assertEqual(sock.execute(DB, self.uid, PASSWORD, "res.partner", "search", [("name", "=", name)], 0, None, None, None), [pid])
        [row] = sock.execute_kw(DB, self.uid, PASSWORD, "res.partner", "read", [[pid], None], None)
        self.assertIs(row["city"], False)
        self.assertIs(row["parent_id"], False)

    # faults, as 7.0 spells them on /xmlrpc/

    def test_fault_unknown_model(self):
        self.assertFault(lambda: self.execute("x.y", "search", []), "warning -- Object Error\n\nObject x.y doesn't exist", "")

    def test_fault_write_to_a_deleted_record(self):
        pid = self.execute("res.partner", "create", {"name": unique("Gone")})
        self.execute("res.partner", "unlink", [pid])
        self.assertFault(lambda: self.execute("res.partner", "write", [pid], {"name": "x"}),
                         "warning -- AccessError\n\nOne of the records you are trying to modify has already been deleted (Document type: Partner).", "")

    def test_fault_wrong_password(self):
        fault = self.assertFault(lambda: self.sock.execute(DB, self.uid, "wrong", "res.partner", "search", []), "AccessDenied")
        self.assertNotIn(PASSWORD, fault.faultString)

    def test_fault_argument_the_method_does_not_take(self):
        self.assertFault(lambda: self.execute_kw("res.partner", "fields_get", [], {"attributes": ["type"]}),
                         "fields_get() got an unexpected keyword argument 'attributes'",
                         lambda s: "TypeError: fields_get() got an unexpected keyword argument 'attributes'" in s)

    def test_fault_no_search_read_on_7(self):
        self.assertFault(lambda: self.execute_kw("res.partner", "search_read", [[]], {"fields": ["name"]}),
                         "'res.partner' object has no attribute 'search_read'",
                         lambda s: "AttributeError" in s)

    def test_fault_required_field(self):
        self.assertFault(lambda: self.execute("res.partner", "create", {"email": "x@example.ch"}),
                         lambda code: code.startswith("warning -- Integrity Error\n\n"), "")

    def test_fault_unknown_service_method(self):
        self.assertFault(lambda: self.sock.frobnicate(DB, self.uid, PASSWORD), "Method not available frobnicate",
                         lambda s: "NameError" in s)

    def test_fault_private_method(self):
        self.assertFault(lambda: self.execute("res.partner", "_auto_init"),
                         "warning -- Access Denied\n\nPrivate methods (such as _auto_init) cannot be called remotely.", "")

    def test_no_xmlrpc_2(self):
        with self.assertRaises(xmlrpclib.ProtocolError) as cm:
            xmlrpclib.ServerProxy(URL7 + "/xmlrpc/2/common").version()
        self.assertEqual(cm.exception.errcode, 404, "OpenERP 7.0 has no /xmlrpc/2/")


class Odoo8(unittest.TestCase):
    """Odoo 8's /xmlrpc/2/: integer fault codes and search_read."""

    def setUp(self):
        self.common = xmlrpclib.ServerProxy(URL8 + "/xmlrpc/2/common")
        self.uid = self.common.authenticate(DB, USER, PASSWORD, {})
        self.models = xmlrpclib.ServerProxy(URL8 + "/xmlrpc/2/object")

    def execute_kw(self, model, method, args, kwargs=None):
        return self.models.execute_kw(DB, self.uid, PASSWORD, model, method, args, kwargs or {})

    def test_version(self):
        self.assertEqual(self.common.version()["server_version_info"][0], 8)

    def test_search_read_and_attributes(self):
        name = unique("Eve")
        pid = self.execute_kw("res.partner", "create", [{"name": name}])
        rows = self.execute_kw("res.partner", "search_read", [[("name", "=", name)]], {"fields": ["name"]})
        self.assertEqual(rows, [{"id": pid, "name": name}])
        fields = self.execute_kw("res.partner", "fields_get", [], {"attributes": ["type"]})
        self.assertEqual(fields["parent_id"], {"type": "many2one"})

    def test_faults(self):
        cases = [
            (lambda: self.execute_kw("x.y", "search", [[]]), 2, "Object x.y doesn't exist"),
            (lambda: self.models.execute_kw(DB, self.uid, "wrong", "res.partner", "search", [[]]), 3, "Access denied."),
            (lambda: self.execute_kw("res.partner", "write", [[999999], {"name": "x"}]), 2,
             "One of the records you are trying to modify has already been deleted (Document type: Partner)."),
        ]
        for call, code, text in cases:
            with self.subTest(code=code, text=text):
                with self.assertRaises(xmlrpclib.Fault) as cm:
                    call()
                self.assertEqual(cm.exception.faultCode, code)
                self.assertEqual(cm.exception.faultString, text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
