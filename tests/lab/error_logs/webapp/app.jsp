<%@ page contentType="text/plain" import="org.apache.logging.log4j.LogManager,org.apache.logging.log4j.Logger" %><%
    // An application that logs through log4j (console and app.log), prints to stdout and dumps a stack trace.
    Logger log = LogManager.getLogger("com.example.shop.OrderService");
    String what = request.getParameter("what");
    if ("fail".equals(what)) {
        try {
            Integer.parseInt("not-a-number");
        } catch (NumberFormatException e) {
            log.error("order import failed", e);
        }
        response.setStatus(500);
    } else if ("warn".equals(what)) {
        log.warn("payment provider slow: 2300 ms");
    } else if ("print".equals(what)) {
        System.out.println("order batch 42 done");
        new IllegalStateException("cart already checked out").printStackTrace();
    } else {
        log.info("order placed");
    }
    out.println("ok");
%>
