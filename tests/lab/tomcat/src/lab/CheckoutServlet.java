package lab;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

// Fails the way application code does: an exception whose log event names a servlet, not a JSP file.
// run.sh rewrites "jakarta." to "javax." for Tomcat 9.
public class CheckoutServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getParameter("cart") == null) {
            throw new IllegalStateException("checkout without a cart");
        }
        resp.setContentType("text/plain");
        resp.getWriter().println("checked out " + req.getParameter("cart"));
    }
}
