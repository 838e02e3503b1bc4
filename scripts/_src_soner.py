"""Software names from the StackOverflowNER TRAIN split (MIT), reviewed by hand.

Tabassum et al., "Code and Named Entity Recognition in StackOverflow" (ACL
2020), jeniyat/StackOverflowNER. The names tagged Application, Library,
Language, Operating_System, Website or Device at least twice in the train
split that no catalogue file owned (counted once; the reviewed list is below): generic words the annotators tagged ("server",
"browser", "mouse", "console") are left out, and each kept name gets its
type and parents by hand. The dev split is never read: it measures.

>>> [c.name for c in candidates()][:2]
['Microsoft Excel', 'Internet Explorer']
"""

from __future__ import annotations

from _gen_open import Candidate

from kgraph.catalogue.concepts import slugify

SOURCE = "stackoverflow-ner"
LICENSE = "MIT"
# name, type, parents, aliases
NAMES: list[tuple[str, str, list[str], list[str]]] = [
    ("Microsoft Excel", "tool", ["microsoft"], ["Excel", "MS Excel"]),
    ("Internet Explorer", "tool", ["browser", "microsoft"], ["IE", "IE11", "IE10", "IE8", "MSIE"]),
    ("Eclipse IDE", "tool", ["java"], ["Eclipse"]),
    ("JSFiddle", "platform", ["javascript"], []),
    ("XAML", "language", ["dotnet"], []),
    ("LINQ", "library", ["dotnet"], ["Language Integrated Query"]),
    ("Google Web Toolkit", "framework", ["java", "google"], ["GWT"]),
    ("Windows Communication Foundation", "framework", ["dotnet"], ["WCF"]),
    ("JavaServer Pages", "standard", ["java"], ["JSP", "Java Server Pages"]),
    ("Gson", "library", ["java", "json"], ["google-gson"]),
    ("Adobe Flash", "platform", ["browser"], ["Flash Player", "Adobe Flash Player"]),
    ("Opera browser", "tool", ["browser"], ["Opera"]),
    ("NHibernate", "library", ["dotnet", "orm"], []),
    ("pyparsing", "library", ["python"], []),
    ("AnkhSVN", "tool", ["svn"], []),
    ("Apache Hive", "tool", ["hadoop"], ["Hive", "HiveQL"]),
    ("SignalR", "library", ["dotnet"], []),
    ("Notepad++", "tool", ["text-editor", "windows"], []),
    ("GDI+", "library", ["windows"], ["GDI"]),
    ("Laravel Blade", "library", ["laravel"], ["Blade templates", "Blade"]),
    ("Cygwin", "tool", ["windows", "linux"], []),
    ("Log4j", "library", ["java", "logging"], ["log4j2", "Apache Log4j"]),
    ("Caml", "language", ["ocaml"], []),
    ("CodePen", "platform", ["javascript", "css"], []),
    ("Autodesk Revit", "tool", ["windows"], ["Revit"]),
    ("ASP.NET MVC", "framework", ["dotnet"], []),
    ("Qt Designer", "tool", ["qt"], []),
    ("Kendo UI", "library", ["javascript"], []),
    ("Firebug", "tool", ["browser", "javascript"], []),
    ("Core Data", "library", ["ios", "swift"], ["CoreData"]),
    ("CakePHP", "framework", ["php"], []),
    ("Valgrind", "tool", ["c", "cpp"], []),
    ("MSBuild", "tool", ["dotnet", "build-tool"], []),
    ("Microsoft Silverlight", "platform", ["microsoft", "browser"], ["Silverlight"]),
    ("OpenTok", "library", ["javascript"], []),
    ("CKEditor", "library", ["javascript"], []),
    ("Knockout.js", "library", ["javascript"], ["KnockoutJS", "Knockout"]),
    ("wxWidgets", "library", ["cpp", "gui"], []),
    ("Mandrill", "platform", ["email"], []),
    ("Google Cloud Messaging", "cloud-service", ["google", "android"], ["GCM"]),
    ("Phusion Passenger", "tool", ["ruby", "web-server"], ["Passenger"]),
    ("IBM Db2", "database", ["ibm", "relational-database"], ["DB2"]),
    ("IBM i", "os", ["ibm"], ["OS/400", "AS/400"]),
    ("Devise", "library", ["rails"], []),
    ("iText", "library", ["java"], ["iTextSharp"]),
    ("QuickBooks", "tool", ["payments"], []),
    ("Alfresco", "platform", ["cms", "java"], []),
    ("Kingfisher", "library", ["swift", "ios"], []),
    ("LWJGL", "library", ["java", "game-development"], ["Lightweight Java Game Library"]),
    ("Doxygen", "tool", ["documentation"], []),
    ("TestNG", "framework", ["java", "software-testing"], []),
    ("ScalaTest", "framework", ["scala", "software-testing"], []),
    ("PhantomJS", "tool", ["javascript", "software-testing"], []),
    ("Oracle WebLogic Server", "tool", ["oracle", "java"], ["WebLogic"]),
    ("Virtual Network Computing", "protocol", ["networking"], ["VNC"]),
    ("Doctrine ORM", "library", ["php", "orm"], ["Doctrine"]),
    ("ColdFusion Markup Language", "language", ["programming-language"], ["CFML"]),
    ("Microsoft Foundation Class Library", "library", ["cpp", "windows"], ["MFC"]),
    ("Standard Widget Toolkit", "library", ["java", "gui"], ["SWT"]),
    ("SLF4J", "library", ["java", "logging"], []),
    ("Logback", "library", ["java", "logging"], []),
    ("Google Guice", "library", ["java"], ["Guice"]),
    ("Autofac", "library", ["dotnet"], []),
    ("MemSQL", "database", ["relational-database"], ["SingleStore"]),
    ("WinSCP", "tool", ["windows"], []),
    ("Ext JS", "framework", ["javascript"], ["ExtJS", "Ext.js"]),
    ("Json.NET", "library", ["dotnet", "json"], ["Newtonsoft.Json"]),
    ("TortoiseSVN", "tool", ["svn", "windows"], []),
    ("TortoiseGit", "tool", ["git", "windows"], []),
    ("MooTools", "library", ["javascript"], []),
    ("Cocos2d", "framework", ["game-development"], ["cocos2d-x"]),
    ("Logcat", "tool", ["android"], []),
    ("Clang", "tool", ["llvm", "c", "cpp"], []),
    ("NAnt", "tool", ["dotnet", "build-tool"], []),
    ("Gravatar", "platform", ["web-development"], []),
    ("x264", "library", ["multimedia"], []),
    ("Spree Commerce", "framework", ["rails"], ["Spree"]),
    ("factory_bot", "library", ["ruby", "software-testing"], ["FactoryGirl", "factory_girl"]),
    ("JaCoCo", "tool", ["java", "software-testing"], []),
    ("Draft.js", "library", ["javascript", "react"], ["Draft-JS", "DraftJS"]),
    ("Web Audio API", "standard", ["javascript", "browser"], []),
    ("Mule ESB", "tool", ["java"], ["MuleSoft"]),
    ("WampServer", "tool", ["windows", "php"], ["WAMP server"]),
    ("Code::Blocks", "tool", ["cpp"], ["Code Blocks", "CodeBlocks"]),
    ("Authorize.Net", "platform", ["payments"], []),
    ("JS Bin", "platform", ["javascript"], ["JSBin"]),
    ("Plunker", "platform", ["javascript"], ["plnkr"]),
    ("MetaTrader 4", "tool", ["fintech"], ["MT4", "MetaTrader"]),
    ("Nios II", "platform", ["embedded-linux"], []),
    ("Craigslist", "platform", ["web-development"], []),
    ("GroupMe", "platform", ["web-development"], []),
    ("Selenium RC", "tool", ["software-testing"], ["Selenium Remote Control"]),
    ("SQL Fiddle", "platform", ["sql"], ["SQLFiddle"]),
    ("Autodesk Forge", "platform", ["cloud-computing"], ["Forge API"]),
    ("Android Leanback", "library", ["android"], ["Leanback"]),
    ("Knockback.js", "library", ["javascript"], ["Knockback"]),
    ("Solidus", "framework", ["rails"], []),
    ("Powerline", "tool", ["linux"], []),
    ("Java Collections Framework", "library", ["java"], ["JCF"]),
    ("Xamarin.iOS", "framework", ["dotnet", "ios"], []),
    ("Firebase Crashlytics", "tool", ["firebase", "android", "ios"], ["Crashlytics"]),
    ("JesCov", "tool", ["javascript", "software-testing"], []),
    ("Scringo", "library", ["android", "ios"], []),
    ("FlexCel", "library", ["dotnet"], []),
    ("fastdom", "library", ["javascript"], []),
    ("Supersized", "library", ["jquery"], []),
    ("Mailgun", "platform", ["email"], ["mailgun-js"]),
    ("InstallShield", "tool", ["windows"], ["InstallScript"]),
    ("ActionWebService", "library", ["rails"], []),
    ("pyuic", "tool", ["python", "qt"], ["pyuic5", "pyuic4"]),
    ("Azure Durable Functions", "cloud-service", ["azure", "serverless"], ["Durable Functions"]),
    ("Android System WebView", "tool", ["android"], ["System WebView"]),
    ("LC-3", "language", ["programming-language"], ["LC3 assembly", "LC-3 assembly"]),
]


def candidates() -> list[Candidate]:
    out = []
    for name, ctype, parents, aliases in NAMES:
        out.append(
            Candidate(
                id=slugify(name),
                name=name,
                type=ctype,
                parents=parents,
                source=SOURCE,
                license=LICENSE,
                aliases=aliases,
                cues=[p.replace("-", " ") for p in parents] + [ctype],
                keys=[name.lower()],
                product=True,
            )
        )
    return out
